import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(color=(200, 120, 40), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_upload(name="after.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _one_page_pdf() -> bytes:
    # A real one-page PDF: evidence checks parse PDFs (core.pdfs), a byte stub no longer passes.
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(612, 792)
    writer.write(out)
    return out.getvalue()


PDF = _one_page_pdf()


def pdf_upload(name="invoice.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
