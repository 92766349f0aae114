#!/bin/sh
# One-shot, run by the stack's minio-init service with MinIO's root account: creates sohoa's
# bucket, a read-write user for the workers, watcher and migrate (that bucket only) and a
# read-only user for the read API and the links it signs. sohoa never holds the root keys.
# Safe to run again: existing users get the password from docker/.env, policies are replaced.
set -eu

mc alias set stack http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "stack/$BUCKET"

cat >/tmp/sohoa-readwrite.json <<EOF
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket",
                                 "s3:ListBucketMultipartUploads"],
   "Resource": ["arn:aws:s3:::$BUCKET"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                                 "s3:GetObjectTagging", "s3:PutObjectTagging",
                                 "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
   "Resource": ["arn:aws:s3:::$BUCKET/*"]}]}
EOF
cat >/tmp/sohoa-readonly.json <<EOF
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetBucketLocation"], "Resource": ["arn:aws:s3:::$BUCKET"]},
  {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$BUCKET/*"]}]}
EOF

grant() {  # user password policy
  mc admin policy create stack "$3" "/tmp/$3.json"
  mc admin user add stack "$1" "$2"
  # attach refuses a policy already attached; that is the state we want. (No grep in the
  # mc image: the shell's own match. Neither policy name is part of the other.)
  if ! mc admin policy attach stack "$3" --user "$1" 2>/dev/null; then
    case "$(mc admin user info stack "$1")" in *"$3"*) ;; *) exit 1 ;; esac
  fi
}
grant "$MINIO_SOHOA_USER" "$MINIO_SOHOA_PASSWORD" sohoa-readwrite
grant "$MINIO_READER_USER" "$MINIO_READER_PASSWORD" sohoa-readonly
echo "minio-init: bucket $BUCKET, users $MINIO_SOHOA_USER (read-write) and $MINIO_READER_USER (read-only)"
