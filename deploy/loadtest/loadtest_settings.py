"""Production settings for the login measurement (deploy/loadtest/login_cost.py) only.

Everything as in production, password hashing included, except allauth's login rate limit:
a few clients logging in from 127.0.0.1 over and over would otherwise be measuring the
429 page. Never use these settings to serve people.
"""

from distretto.settings import *  # noqa: F403

ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": False}  # noqa: F405
