"""Commands of the lcnsym command line: every module here that defines ``command`` is added."""
