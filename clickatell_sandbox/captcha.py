"""Captcha pictures: a short code drawn on a noisy PNG, as `get_captcha` hands out."""

from __future__ import annotations

import io
import random
import secrets

from PIL import Image, ImageDraw, ImageFont

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: a person must be able to read it


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def render_png(code: str) -> bytes:
    """The picture of `code`; noise is seeded by the code so a captcha always looks the same."""
    noise = random.Random(code)
    image = Image.new("RGB", (180, 60), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        points = [(noise.randint(0, 180), noise.randint(0, 60)) for _ in range(2)]
        draw.line(points, fill=(170, 170, 190), width=2)
    font = ImageFont.load_default(size=30)
    for index, char in enumerate(code):
        position = (12 + index * 27, 12 + noise.randint(-6, 6))
        draw.text(position, char, fill=(30, 40, 90), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
