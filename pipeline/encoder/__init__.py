"""The multilingual sentence encoder (multilingual-e5-small), built locally from pinned PyPI wheels."""
