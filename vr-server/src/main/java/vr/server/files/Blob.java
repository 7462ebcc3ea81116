package vr.server.files;

/**
 * One stored blob (a build or image tarball, a compile log). {@code key} is the content's sha256 in lowercase hex
 * and names the blob in every store and URL; {@code md5} is what proc.yaml's {@code build_md5}/{@code image_md5}
 * carry and the runners check, and the HTTP ETag.
 */
public record Blob(String key, String md5, String sha256, long size) {}
