"""Sends and receives a ~3.2 MB body through Debian's boto3 (Query protocol), a client nobody here wrote.

Usage: python3 boto3_roundtrip.py ENDPOINT BODY_FILE
Prints one JSON line describing what boto3 saw; exits non-zero on any failure.
"""
import hashlib
import json
import sys

import boto3
import botocore

endpoint, body_file = sys.argv[1], sys.argv[2]
with open(body_file, encoding="utf-8") as f:
    body = f.read()

sqs = boto3.client(
    "sqs",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDBOTO3",
    aws_secret_access_key="secret",
)
queue_url = sqs.create_queue(QueueName="boto3-big")["QueueUrl"]
sent = sqs.send_message(
    QueueUrl=queue_url,
    MessageBody=body,
    MessageAttributes={"kind": {"DataType": "String", "StringValue": "stock-update"}},
)
received = sqs.receive_message(
    QueueUrl=queue_url, MaxNumberOfMessages=1, MessageAttributeNames=["All"], AttributeNames=["All"]
)["Messages"][0]
sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=received["ReceiptHandle"])

try:
    sqs.get_queue_url(QueueName="boto3-missing")
    missing_error = None
except sqs.exceptions.QueueDoesNotExist as error:
    missing_error = error.response["Error"]["Code"]

print(json.dumps({
    "botocore": botocore.__version__,
    "protocol": sqs.meta.service_model.protocol,
    "sent_md5": sent["MD5OfMessageBody"],
    "expected_md5": hashlib.md5(body.encode("utf-8")).hexdigest(),
    "received_md5": hashlib.md5(received["Body"].encode("utf-8")).hexdigest(),
    "same_body": received["Body"] == body,
    "length": len(body.encode("utf-8")),
    "attribute": received["MessageAttributes"]["kind"]["StringValue"],
    "receive_count": received["Attributes"]["ApproximateReceiveCount"],
    "missing_error": missing_error,
}))
