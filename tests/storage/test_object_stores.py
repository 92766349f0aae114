"""What every object store promises, run on the local folder and on a real S3 server
(SeaweedFS on loopback) alike: the pipeline must not care which one it writes to."""

from __future__ import annotations

import pytest

from storage.objects import ObjectNotFoundError, ObjectStore

UNIT = {"unit": "UBND xã Thạch Hạ", "station": "mot-cua-thach-ha"}


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """The local store, then a fresh bucket on the session's S3 server."""
    made: ObjectStore = request.getfixturevalue(f"{request.param}_store")
    return made


def test_it_is_an_object_store(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)


def test_copy_keeps_content_type_metadata_and_tags(store: ObjectStore) -> None:
    source = store.put_bytes("originals/r1/original.png", b"\x89PNG data", "image/png", UNIT)
    store.set_tags(source.key, {"status": "failed", "lý-do": "Tệp hỏng"})

    copied = store.copy(source.key, "quarantine/r1/original.png")

    assert copied.model_dump(exclude={"key"}) == source.model_dump(exclude={"key"})
    assert store.get_bytes(copied.key) == b"\x89PNG data"
    assert store.get_tags(copied.key) == {"status": "failed", "lý-do": "Tệp hỏng"}


def test_tags_are_replaced_and_limited(store: ObjectStore) -> None:
    store.put_bytes("a.txt", b"a", "text/plain")
    store.set_tags("a.txt", {"status": "received"})
    store.set_tags("a.txt", {"status": "digitized", "unit": "Phường Bến Nghé"})

    assert store.get_tags("a.txt") == {"status": "digitized", "unit": "Phường Bến Nghé"}
    with pytest.raises(ValueError, match="at most 10 tags"):
        store.set_tags("a.txt", {f"t{i}": "v" for i in range(11)})
    assert store.get_tags("a.txt") == {"status": "digitized", "unit": "Phường Bến Nghé"}
    assert store.get_bytes("a.txt") == b"a"  # tagging leaves the content alone


def test_metadata_names_are_checked(store: ObjectStore) -> None:
    store.check()
    with pytest.raises(ValueError, match="reserved"):
        store.put_bytes("a.txt", b"a", "text/plain", {"sha256": "forged"})
    with pytest.raises(ValueError, match="invalid metadata name"):
        store.put_bytes("a.txt", b"a", "text/plain", {"Đơn vị": "x"})
    assert store.stat("a.txt") is None  # nothing was written


def test_missing_objects(store: ObjectStore) -> None:
    store.check()
    assert store.stat("nothing/here.txt") is None
    with pytest.raises(ObjectNotFoundError) as raised:
        store.get_bytes("nothing/here.txt")
    assert raised.value.retryable is False
    with pytest.raises(ObjectNotFoundError):
        store.set_tags("nothing/here.txt", {"a": "b"})


@pytest.mark.parametrize("key", ["../a.txt", "a/../../b.txt", "/etc/passwd", "", "trailing/"])
def test_keys_that_could_escape_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValueError, match="invalid object key"):
        store.put_bytes(key, b"x", "text/plain")
