"""API routes (filled in by the staff endpoints)."""

urlpatterns = []
