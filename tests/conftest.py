pytest_plugins = ["pytester"]

import pytest


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    """Tests run their checks: a cached result would hide a monkeypatched check (the cache's own tests turn it on)."""
    monkeypatch.setenv("LCNSYM_CACHE", "off")
