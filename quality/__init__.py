"""Measuring the portal, kept out of the running site: search evaluation against a database
scan (``evaluation``), hostile-input fuzzing of every endpoint (``fuzzing``), the benchmark
behind ``make bench`` (``bench``) and the load test (``loadtest``). Its management commands are
thin entry points; nothing in ``portal``, ``documents`` or ``search`` imports this package."""
