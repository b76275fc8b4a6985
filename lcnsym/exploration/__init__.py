"""Exploration beyond the paper's statements: filling architectures and the neuromanifold's dimension, exact critical
points of small instances, global minima at flow limits, and how tight the paper's constants are.  Each answer says
whether a theorem or a computation decided it."""
