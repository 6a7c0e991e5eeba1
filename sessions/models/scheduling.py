"""Treatment courses and appointments."""

__all__: list[str] = []
