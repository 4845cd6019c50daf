"""Response helpers every app may use."""

from django.utils.cache import add_never_cache_headers

# What the browser is asked to forget on exit and on sign-out: pages it kept, the session and
# language cookies, and anything a script stored.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def clear_site_data(response):
    """Ask the browser to forget this site's pages, cookies and storage, and not to keep this."""
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    add_never_cache_headers(response)
    return response
