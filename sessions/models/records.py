"""The clinical record: needling sessions, their sites, stimulation, addenda, side effects."""

__all__: list[str] = []
