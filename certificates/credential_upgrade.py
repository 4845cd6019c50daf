"""The one-off upgrade of certificates issued before status-list indexes were drawn at random
and before each discreet issuer had its own profile (0.1's migration
``0004_status_list_random_index``; 0.2.0 starts migrations afresh and no longer runs it).

Before it, a certificate's index was its database id, and every credential named one issuer
profile whose keys were fragments of it, which standard verifiers cannot dereference. The upgrade
gives every certificate a random index (recorded as given out), the issuer of the name it printed,
and, where it has a signed credential, a new signature in today's form by the active key. Nothing
printed changes; PDFs already made keep the copy of the credential they embed, which this site's
verification page still checks (see ``openbadges.verify``).

Written against the models the migration passes in (``apps``), so that it runs on the schema of
that migration. It runs in the migration's transaction: on a populated database it either
completes or changes nothing. Signing takes a few milliseconds per credential, so a site with
tens of thousands of certificates should expect a migration of some minutes.
"""

from django.utils import timezone

from pathways.certificates import openbadges, status_list

CHUNK = 500


def upgrade_certificates(apps) -> int:
    """Random indexes, issuers and fresh signatures for every existing certificate; returns how
    many credentials were signed again."""
    certificate_model = apps.get_model("pathways_certificates", "Certificate")
    allocation_model = apps.get_model("pathways_certificates", "StatusListAllocation")
    issuer_model = apps.get_model("pathways_certificates", "CredentialIssuer")
    key_model = apps.get_model("pathways_certificates", "IssuerKey")

    ids = list(certificate_model.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    # New indexes avoid the id-based ones still in place, so that each row is written once: a
    # row written twice in one transaction leaves PostgreSQL foreign-key checks pending, which
    # the index this migration adds afterwards cannot be built with.
    taken = set(allocation_model.objects.values_list("index", flat=True))
    taken |= set(
        certificate_model.objects.filter(status_list_index__isnull=False).values_list(
            "status_list_index", flat=True
        )
    )
    drawn = status_list.draw_indexes(len(ids), taken=taken, size=status_list.configured_size())
    indexes = dict(zip(ids, drawn, strict=True))
    allocation_model.objects.bulk_create(
        [allocation_model(index=index) for index in drawn], batch_size=CHUNK
    )

    issuers = {issuer.name: issuer for issuer in issuer_model.objects.all()}
    for name in (
        certificate_model.objects.order_by()
        .values_list("printed_issuer_name", flat=True)
        .distinct()
    ):
        if name not in issuers:
            issuers[name] = issuer_model.objects.create(name=name)

    key = None
    signed = 0
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        chunk = certificate_model.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
        for certificate in chunk.select_related("template"):
            certificate.status_list_index = indexes[certificate.pk]
            certificate.issuer = issuers[certificate.printed_issuer_name]
            fields = ["status_list_index", "issuer"]
            if certificate.credential is not None:
                key = key or _active_key(key_model)
                certificate.credential = openbadges.sign(
                    openbadges.build_credential(certificate),
                    key=key,
                    issuer=certificate.issuer,
                    created=now,
                )
                fields.append("credential")
                signed += 1
            certificate.save(update_fields=fields)
    return signed


def _active_key(key_model):
    key = key_model.objects.filter(retired_at__isnull=True).order_by("-created_at", "-pk").first()
    return key or key_model.objects.create(**openbadges.new_key_fields())
