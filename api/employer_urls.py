"""API routes (filled in by the employer endpoints)."""

urlpatterns = []
