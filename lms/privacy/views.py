"""The "Your data" page: anyone signed in downloads everything the system holds about her.

The archive is made on a POST (it is an action, and a link could be followed by a preview or a
prefetch) and sent under a neutral file name, never stored by the browser's cache.
"""

from django.http import FileResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pathways.lms.accounts.sign_in import login_required
from pathways.lms.privacy import services


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def your_data(request):
    if request.method == "POST":
        response = FileResponse(
            services.personal_data_archive(user=request.user),
            as_attachment=True,
            filename=services.archive_filename(),
            content_type="application/zip",
        )
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
    return render(request, "privacy/your_data.html", {"page_title": _("Your data")})
