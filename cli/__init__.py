"""The lcnsym command line (click)."""
