package vr.server.files;

import vr.server.store.Database;

/** Test access to the blob tables. */
final class DbBlobStoreTables {
  private DbBlobStoreTables() {}

  /** The bytes in every chunk row, committed or not. */
  static long storedBytes(Database db) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(OCTET_LENGTH(data)), 0) FROM blob_chunks")
        .mapTo(Long.class).one());
  }

  static int uploads(Database db) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM blob_uploads").mapTo(Integer.class).one());
  }
}
