"""The preview's media folder: pictures from the store written once, unsafe names refused."""

from __future__ import annotations

from digest_desk.domain.models import Image
from digest_desk.ui.preview.media import MediaFolder


def image(name: str, data: bytes | None, sha: str) -> Image:
    return Image(name=name, width=2, height=1, data=data, sha256=sha)


def test_sync_writes_each_picture_once_and_again_when_it_changes():
    folder = MediaFolder()
    try:
        media = {"a.png": image("a.png", b"one", "s1")}
        assert folder.sync(media) == 1
        assert (folder.media_dir / "a.png").read_bytes() == b"one"
        assert folder.sync(media) == 0
        media["a.png"] = image("a.png", b"two", "s2")
        assert folder.sync(media) == 1
        assert (folder.media_dir / "a.png").read_bytes() == b"two"
        assert folder.media_prefix.startswith("file://") and folder.media_prefix.endswith("/media/")
    finally:
        folder.close()
    assert not folder.root.exists()


def test_loader_supplies_bytes_the_map_leaves_out_and_bad_names_are_skipped():
    asked: list[str] = []

    def loader(name: str) -> bytes | None:
        asked.append(name)
        return b"from-store" if name == "b.jpg" else None

    folder = MediaFolder(loader)
    try:
        written = folder.sync({"b.jpg": image("b.jpg", None, "x"), "gone.jpg": image("gone.jpg", None, "y"),
                               "../evil": image("../evil", b"no", "z")})
        assert written == 1 and asked == ["b.jpg", "gone.jpg"]
        assert (folder.media_dir / "b.jpg").read_bytes() == b"from-store"
        assert not (folder.root.parent / "evil").exists()
        folder.sync({"gone.jpg": image("gone.jpg", None, "y")})
        assert asked == ["b.jpg", "gone.jpg"]  # a miss is not asked again on every keystroke
    finally:
        folder.close()


def test_images_from_the_real_media_map_have_deferred_bytes_and_still_sync(store, tmp_path):
    from PIL import Image as PILImage

    from digest_desk.store.media import add_image, media_map

    picture = tmp_path / "p.png"
    PILImage.new("RGB", (4, 3), "red").save(picture)
    add_image(store, picture, name="p.png")
    media = media_map(store)  # detached images whose bytes were never loaded
    folder = MediaFolder(lambda name: store_bytes(store, name))
    try:
        assert folder.sync(media) == 1
        assert (folder.media_dir / "p.png").read_bytes() == picture.read_bytes()
    finally:
        folder.close()


def store_bytes(store, name: str) -> bytes | None:
    from digest_desk.store.media import get_image_bytes

    return get_image_bytes(store, name)


def test_a_picture_the_server_could_not_give_now_is_asked_for_again():
    """A team server away or silent is no missing picture: the next render asks again."""
    from digest_desk.ui.preview.media import NotNow

    answers = [NotNow("b.jpg"), b"at-last"]

    def loader(name: str) -> bytes | None:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    folder = MediaFolder(loader)
    try:
        media = {"b.jpg": image("b.jpg", None, "x")}
        assert folder.sync(media) == 0 and not (folder.media_dir / "b.jpg").exists()
        assert folder.sync(media) == 1
        assert (folder.media_dir / "b.jpg").read_bytes() == b"at-last"
    finally:
        folder.close()
