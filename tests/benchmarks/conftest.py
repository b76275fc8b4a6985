import pytest


def pytest_collection_modifyitems(items):
    # everything here is a benchmark: kept out of the default run (-m 'not perf')
    for item in items:
        item.add_marker(pytest.mark.perf)
