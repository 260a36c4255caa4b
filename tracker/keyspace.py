"""Keys made unique with a numbered suffix (`key`, `key-2`, `key-3`...), in constant time
per key: a file of 100,000 entries sharing one key must not take 5 billion look-ups."""

from __future__ import annotations


class KeySpace:
    """The keys taken so far, and for each base key the next suffix worth trying."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = taken if taken is not None else set()
        self._next: dict[str, int] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.taken

    def add(self, key: str) -> None:
        self.taken.add(key)

    def free(self, key: str) -> str:
        """`key` if free, else the first free `key-N` (N from 2); not yet taken."""
        if key not in self.taken:
            return key
        number = self._next.get(key, 2)
        while f"{key}-{number}" in self.taken:
            number += 1
        self._next[key] = number + 1
        return f"{key}-{number}"

    def take(self, key: str) -> str:
        """`free(key)`, taken."""
        chosen = self.free(key)
        self.taken.add(chosen)
        return chosen
