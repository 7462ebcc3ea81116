-- Secrets every server process of one database must share (the key that signs download URLs), made once by
-- whichever process needs one first.
CREATE TABLE server_secrets (
  name VARCHAR(50) PRIMARY KEY,
  secret VARCHAR(200) NOT NULL,
  created_time TIMESTAMP WITH TIME ZONE NOT NULL
);
