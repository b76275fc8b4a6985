"""Tests of :mod:`lcnsym.folders`: one rule for the folders lcnsym writes."""

from pathlib import Path

from lcnsym.folders import cache_folder


def test_the_variable_names_the_folder_itself(monkeypatch, tmp_path):
    monkeypatch.setenv("LCNSYM_SOME_DIR", str(tmp_path / "here"))
    assert cache_folder("LCNSYM_SOME_DIR", "build") == tmp_path / "here"


def test_an_empty_variable_falls_back_to_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("LCNSYM_SOME_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder("LCNSYM_SOME_DIR", "build") == tmp_path / "lcnsym" / "build"
    assert cache_folder("LCNSYM_SOME_DIR") == tmp_path / "lcnsym"


def test_without_xdg_the_home_cache(monkeypatch):
    monkeypatch.delenv("LCNSYM_SOME_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_folder("LCNSYM_SOME_DIR", "build") == Path.home() / ".cache" / "lcnsym" / "build"


def test_the_result_cache_follows_it(monkeypatch, tmp_path):
    from lcnsym.checking import cache
    monkeypatch.delenv("LCNSYM_CACHE", raising=False)
    monkeypatch.delenv("LCNSYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.default_cache().folder == tmp_path / "lcnsym"
