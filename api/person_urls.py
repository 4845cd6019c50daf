"""API routes (filled in by the person endpoints)."""

urlpatterns = []
