"""Production settings for the Lighthouse measurement (deploy/lighthouse/lighthouse.py) only.

In production nginx compresses the pages the app answers (gzip on, deploy/nginx/distretto.conf)
and serves the static files precompressed. The measurement talks to gunicorn directly, where
WhiteNoise compresses the static files but nobody compresses the HTML: Django's GZipMiddleware
stands in for nginx here, so that the page weight Lighthouse reports is the one a phone gets.
Never use these settings to serve people.
"""

from distretto.settings import *  # noqa: F403

MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
