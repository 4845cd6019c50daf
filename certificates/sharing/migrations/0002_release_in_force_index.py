# The employer portal and API start every read from one employer's releases in force. Without an
# index led by the employer over those alone, PostgreSQL could walk the whole "one current release
# per employer" index (led by the participant), so the portal slowed down as other employers'
# shares grew. This partial index replaces the (employer, expires_at) one. Adding an index to a
# table of releases takes moments; nothing else changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pathways_sharing", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="credentialrelease",
            index=models.Index(
                condition=models.Q(("revoked_at__isnull", True), ("superseded_at__isnull", True)),
                fields=["employer"],
                name="sharing_release_in_force",
            ),
        ),
        migrations.RemoveIndex(
            model_name="credentialrelease",
            name="sharing_release_emp_exp",
        ),
    ]
