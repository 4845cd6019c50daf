"""API routes (filled in by the public endpoints)."""

urlpatterns = []
