"""What the type checker needs to read the API's view mixins as the views they are mixed into."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    ViewMixinBase = GenericAPIView
else:
    ViewMixinBase = object
