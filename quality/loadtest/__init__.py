"""``manage.py run_load_test``: readers and staff at once against gunicorn, then the index checked.

Kept out of the test suite (it runs for a minute by design); run it with ``make load``.
"""
