"""A picture's metadata by id, without its bytes (the editor shows name and size)."""

from __future__ import annotations

from sqlalchemy.orm import defer

from digest_desk.domain import Image, detached_image
from digest_desk.store.engine import Store


def picture_info(store: Store, image_id: int) -> Image | None:
    """The picture row with ``data`` left out, detached; None when no picture has this id."""
    with store.read() as session:
        image = session.get(Image, image_id, options=[defer(Image.data)])
        return detached_image(image) if image is not None else None
