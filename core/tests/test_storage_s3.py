"""The S3 media backend (used when AWS_STORAGE_BUCKET_NAME is set), against moto."""

import boto3
import pytest
from django.core.files.base import ContentFile
from moto import mock_aws
from storages.backends.s3 import S3Storage

from core.uploads import RandomUploadTo
from fairtrade.settings import base


@pytest.fixture
def s3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="ftw-media")
        client.put_bucket_encryption(
            Bucket="ftw-media",
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/ftw-media"}}]
            },
        )
        yield client


def production_like_storage():
    """The same options base.py builds when AWS_STORAGE_BUCKET_NAME is set."""
    import importlib
    import os

    os.environ["AWS_STORAGE_BUCKET_NAME"] = "ftw-media"
    try:
        settings_module = importlib.reload(base)
        options = settings_module.STORAGES["default"]["OPTIONS"]
        assert settings_module.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    finally:
        del os.environ["AWS_STORAGE_BUCKET_NAME"]
        importlib.reload(base)
    return S3Storage(**options)


def test_uploads_are_private_random_and_signed(s3):
    storage = production_like_storage()
    name = RandomUploadTo("jobs/photos")(None, "Kitchen Sink.JPG")
    assert name.startswith("jobs/photos/") and name.endswith(".jpg") and "Kitchen" not in name
    saved = storage.save(name, ContentFile(b"\xff\xd8\xff fake jpeg bytes"))

    acl = s3.get_object_acl(Bucket="ftw-media", Key=saved)
    grantees = [grant["Grantee"].get("URI", "") for grant in acl["Grants"]]
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)
    head = s3.head_object(Bucket="ftw-media", Key=saved)
    assert head["ServerSideEncryption"] == "aws:kms"  # the bucket's KMS default, not overridden

    url = storage.url(saved)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=600" in url
    assert storage.open(saved).read() == b"\xff\xd8\xff fake jpeg bytes"


def test_two_uploads_with_the_same_name_get_different_keys():
    make = RandomUploadTo("evidence")
    assert make(None, "a.pdf") != make(None, "a.pdf")
