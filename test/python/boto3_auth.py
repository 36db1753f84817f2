"""Signed calls through Debian's boto3 for test/e2e/auth.test.ts and tls.test.ts.

usage: boto3_auth.py ENDPOINT ACCESS_KEY SECRET [CA_BUNDLE]
Prints one JSON object: what worked, or the error code, status and message boto3 reported.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, key, secret = sys.argv[1:4]
verify = sys.argv[4] if len(sys.argv) > 4 else None
sqs = boto3.client(
    'sqs', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret,
    verify=verify, config=Config(retries={'max_attempts': 0}))
try:
    url = sqs.create_queue(QueueName='boto3-signed')['QueueUrl']
    sqs.send_message(QueueUrl=url, MessageBody='signed by boto3')
    received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)['Messages'][0]['Body']
    print(json.dumps({'queue_url': url, 'received': received, 'queues': sqs.list_queues().get('QueueUrls', [])}))
except ClientError as error:
    print(json.dumps({
        'error': error.response['Error']['Code'],
        'status': error.response['ResponseMetadata']['HTTPStatusCode'],
        'message': error.response['Error']['Message'],
    }))
