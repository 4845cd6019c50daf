"""A real S3-compatible server for the object-storage tests, started for the test session.

Never a mocked client. ``.ci/run`` starts moto's server mode and sets
``PATHWAYS_TEST_S3_ENDPOINT`` (``http://127.0.0.1:5055``); without it, the ``s3_endpoint``
fixture starts ``moto_server`` on a free 127.0.0.1 port for the session and stops it at the end.
``s3_bucket`` makes a bucket of its own for one test, points Django's default storage at it
exactly as ``AWS_STORAGE_BUCKET_NAME`` would (``demo_site/storage_settings.py``), and empties and
removes it afterwards. There is one conftest, so a test module registers them by importing them::

    from tests.production.s3_support import s3_bucket_fixture, s3_endpoint_fixture  # noqa: F401

``PATHWAYS_TEST_S3_ACCESS_KEY_ID`` and ``PATHWAYS_TEST_S3_SECRET_ACCESS_KEY`` give the keys of
a server that checks them (MinIO); moto takes any.
"""

import os
import shutil
import socket
import subprocess  # noqa: S404
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from demo_site import storage_settings

S3_ENDPOINT_VARIABLE = "PATHWAYS_TEST_S3_ENDPOINT"
S3_REGION = "us-east-1"
S3_STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + S3_STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited at once (exit {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on 127.0.0.1:{port}")


def _moto_server() -> str | None:
    return shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which(
        "moto_server"
    )


@pytest.fixture(scope="session", name="s3_endpoint")
def s3_endpoint_fixture():
    """The address of an S3-compatible server: ``PATHWAYS_TEST_S3_ENDPOINT``, or a
    ``moto_server`` started for this session."""
    given = os.environ.get(S3_ENDPOINT_VARIABLE, "").strip().rstrip("/")
    if given:
        yield given
        return
    server = _moto_server()
    if server is None:
        pytest.fail(f"Install moto[server] (make install) or set {S3_ENDPOINT_VARIABLE}.")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [server, "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def anonymous_get(url: str) -> tuple[int, bytes]:
    """GET ``url`` as anyone on the internet would: no keys, no signature, no proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:  # noqa: S310 (a test server's address)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: Any

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def put(self, key: str, body: bytes, content_type: str = "application/pdf") -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=body, ContentType=content_type)

    def unsigned_url(self, key: str) -> str:
        """The object's plain address (path style), which must not be readable."""
        return f"{self.endpoint}/{self.name}/{key}"

    def empty(self) -> None:
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)


def _client(endpoint: str, access_key: str, secret_key: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=S3_REGION,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.fixture(name="s3_bucket")
def s3_bucket_fixture(s3_endpoint, settings):
    """A new, private bucket as the default storage, configured as the environment configures
    the standalone site's; removed when the test ends."""
    access_key = os.environ.get("PATHWAYS_TEST_S3_ACCESS_KEY_ID", "testing")
    secret_key = os.environ.get("PATHWAYS_TEST_S3_SECRET_ACCESS_KEY", "testing")
    bucket = Bucket(
        endpoint=s3_endpoint,
        name=f"pathways-test-{uuid.uuid4().hex[:16]}",
        client=_client(s3_endpoint, access_key, secret_key),
    )
    bucket.client.create_bucket(Bucket=bucket.name)
    options = storage_settings.s3_options(
        {
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
            "AWS_S3_REGION_NAME": S3_REGION,
        }
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": storage_settings.BACKEND,
            "OPTIONS": {**options, "access_key": access_key, "secret_key": secret_key},
        },
    }
    yield bucket
    bucket.empty()
    bucket.client.delete_bucket(Bucket=bucket.name)
