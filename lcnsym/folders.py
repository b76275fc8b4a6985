"""Where lcnsym keeps what it writes for a user: one rule for every folder.

A folder is the one its own environment variable names, else ``lcnsym/<parts>`` in ``$XDG_CACHE_HOME``, else in
``~/.cache``. The result cache (:mod:`lcnsym.checking.cache`) and the compiled Taylor recurrences
(:mod:`lcnsym.dynamics.engines._compiled`) both live by it.

Examples
--------
>>> import os
>>> os.environ["LCNSYM_EXAMPLE_DIR"] = "/data/here"
>>> str(cache_folder("LCNSYM_EXAMPLE_DIR", "example"))
'/data/here'
>>> del os.environ["LCNSYM_EXAMPLE_DIR"]
"""

import os
from pathlib import Path

__all__ = ["cache_folder"]


def cache_folder(variable, *parts):
    """The folder named by the environment variable `variable`, else ``<user cache>/lcnsym/<parts>``.

    Parameters
    ----------
    variable : str
        The environment variable that, when set and not empty, names the folder itself.
    *parts : str
        The subfolders below ``lcnsym`` in the user's cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``).

    Returns
    -------
    pathlib.Path
    """
    chosen = os.environ.get(variable)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base, "lcnsym", *parts)
