"""Private object storage for the standalone site: uploaded files in an S3-compatible bucket.

Used only when ``AWS_STORAGE_BUCKET_NAME`` is set (see ``demo_site/storage_settings.py``); this
module imports django-storages, so nothing else imports it.
"""

import posixpath
import secrets

from storages.backends.s3 import S3Storage

#: Characters of the random folder each stored object is put in (96 bits).
TOKEN_BYTES = 12


class PrivateS3Storage(S3Storage):
    """django-storages' S3 storage, private, where no object's name can be guessed.

    Every object is stored in a folder of its own with a random name, ``documents/<random>/
    handout.pdf``, so the name a person gave a file (which Wagtail keeps for documents, images and
    their renditions) is never enough to find it: an address needs the random part, and the
    bucket's objects are only reached by signed, expiring addresses anyway. The file's own name
    stays as it was, so a document still downloads as ``handout.pdf``. Names already stored keep
    working: only new files get the random folder.
    """

    def get_available_name(self, name, max_length=None):
        folder, filename = posixpath.split(str(name).replace("\\", "/"))
        name = posixpath.join(folder, secrets.token_urlsafe(TOKEN_BYTES), filename)
        return super().get_available_name(name, max_length=max_length)
