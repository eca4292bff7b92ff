"""The local API Gateway of ``cvpath serve``: HTTP API events and responses, the HTTP server, the SQS poller.

``apigw_events`` builds payload format 2.0 events and reads Lambda's answers
(pure); ``http_server`` serves template.yaml's HttpApi routes through them;
``sqs_poller`` plays Lambda's SQS event source mapping.
"""
