"""Refuse oversized uploads while they stream in, instead of after they were written to disk.

Django spools every uploaded file to memory or a temporary file before any form sees it, so a
size check in the form still lets a 2 GB upload fill the disk first. This handler, first in
``FILE_UPLOAD_HANDLERS``, counts the bytes of each file and skips the rest of a file once it
passes ``PORTAL_MAX_UPLOAD_BYTES``; the view then tells the uploader which file was too large.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


@dataclass(frozen=True, slots=True)
class RefusedUpload:
    """A file dropped while uploading because it passed the size limit."""

    name: str
    received: int  # bytes seen before it was dropped (more than the limit)
    limit: int


class SizeLimitedUploadHandler(FileUploadHandler):
    """Pass files on to the next handlers until one grows past the limit, then drop it."""

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, *a):
        super().new_file(field_name, file_name, content_type, content_length, charset, *a)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = settings.PORTAL_MAX_UPLOAD_BYTES
        if self.received > limit:
            refused = getattr(self.request, "refused_uploads", {})
            refused[self.field_name] = RefusedUpload(self.file_name, self.received, limit)
            self.request.refused_uploads = refused
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
