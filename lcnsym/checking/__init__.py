"""The machinery of the checks: statuses, evidence, the registry of proof modules (a graph), the runner
(execution), reports, the dependency graph's drawings, the paper map and the pytest plugin."""
