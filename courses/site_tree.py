"""Where course pages hang in the Wagtail page tree."""

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Site

import swapper


def default_site_root():
    """The default site's root page, as in a fresh Wagtail site, rebuilt if it is missing.

    Wagtail's migrations create the page tree, but a database flushed between transactional
    tests loses it, and a host site may have none yet; either way it is recreated the same way.
    """
    Page = swapper.load_model("wagtailcore", "Page")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant("en"))
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    home = root.get_first_child()
    if home is None:
        home = root.add_child(instance=Page(title="Home", slug="home", live=True))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home
