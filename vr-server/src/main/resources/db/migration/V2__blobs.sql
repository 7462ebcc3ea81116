-- Blob storage shared by every server process (vr.server.files.DbBlobStore): builds, images, compile logs.
-- Independent of the other tables. Portable: runs on PostgreSQL and on H2 in PostgreSQL mode.

-- A put in progress: its chunks are written under a fresh upload_id before the content's key is known.
-- Rows left here by a crashed put (with no blobs row) are swept after a while.
CREATE TABLE blob_uploads (
  upload_id  VARCHAR(36) PRIMARY KEY,
  started_at BIGINT      NOT NULL
);

-- The bytes, in chunks of blobs.chunk_size (the last one shorter), numbered from 0.
CREATE TABLE blob_chunks (
  upload_id VARCHAR(36) NOT NULL,
  seq       INTEGER     NOT NULL,
  data      BYTEA       NOT NULL,
  PRIMARY KEY (upload_id, seq)
);

-- A complete, checked blob: present exactly when this row is. blob_key is the sha256 of the content, so two
-- processes putting the same content race on this primary key; the loser drops its own chunks.
CREATE TABLE blobs (
  blob_key   VARCHAR(64) PRIMARY KEY,
  md5        VARCHAR(32) NOT NULL,
  byte_size  BIGINT      NOT NULL,
  chunk_size INTEGER     NOT NULL,
  upload_id  VARCHAR(36) NOT NULL UNIQUE,
  created_at BIGINT      NOT NULL
);
