"""What ``DJANGO_ENV=production`` insists on before the portal starts.

A production process with a guessable secret key, DEBUG pages or no host list is worse than
none, so settings refuse to load. They refuse with ``SystemExit`` and one line naming the
variable and the fix: ``manage.py`` and gunicorn then print that line instead of a settings
traceback, and stop with a non-zero status.
"""

from __future__ import annotations

from typing import NoReturn

ENVIRONMENTS = ("development", "production")
# Django's own thresholds for a secret key (security.W009 in ``check --deploy``).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def refuse(message: str) -> NoReturn:
    """Stop the process with a one-line explanation."""
    raise SystemExit(f"DJANGO_ENV=production: {message}")


def environment(raw: str) -> str:
    """``DJANGO_ENV``: ``development`` (the default) or ``production``, nothing else."""
    value = raw.strip().lower() or "development"
    if value not in ENVIRONMENTS:
        raise SystemExit(f"DJANGO_ENV={raw!r} is not one of: {', '.join(ENVIRONMENTS)}")
    return value


def strong_secret_key(raw: str) -> str:
    """The key from ``SECRET_KEY``, if it is one Django's deployment check accepts."""
    if not raw:
        refuse(f"SECRET_KEY is not set; generate one with: {_GENERATE}")
    if (
        len(raw) < SECRET_KEY_MIN_LENGTH
        or len(set(raw)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or raw.startswith("django-insecure-")
    ):
        refuse(
            f"SECRET_KEY is too weak (it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different); generate one with: "
            f"{_GENERATE}"
        )
    return raw


def required_hosts(hosts: list[str]) -> list[str]:
    """``ALLOWED_HOSTS`` must name the site: there is no safe default on the internet."""
    if not hosts:
        refuse("ALLOWED_HOSTS is not set; give the site's host names, e.g. policy.example.org")
    return hosts


def debug_off(debug: bool) -> bool:
    """DEBUG pages show settings and source to anyone: never in production."""
    if debug:
        refuse("DEBUG must be off (unset DEBUG or set DEBUG=0)")
    return debug
