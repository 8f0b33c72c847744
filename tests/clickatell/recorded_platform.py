"""The recorded Platform payloads of /work/shared/clickatell-platform.md §9, byte for byte
(the elided ids of the status callback filled in with 32-hex ids)."""

ONE_API_SEND_202 = (
    b'{"messages":[{"apiMessageId":"02ca87d5a95446e68b0ac36a0c2057f1","accepted":true,'
    b'"to":"2799900001"}],"error":null}'
)
ONE_API_MIXED_207 = (
    b'{"messages":[{"apiMessageId":"cd2d90701afe42cdb15e2670218d8567","accepted":true,'
    b'"to":"2799900001"},\n  {"error":{"code":23,"description":"Invalid or missing parameter: '
    b'to ."},"accepted":false,"to":"27999abcde"}],"error":null}'
)
ONE_API_BAD_KEY_401 = b'{"error":{"code":1,"description":"Invalid or missing integration API Key"}}'
ONE_API_STATUS = b'{"sms":{"status":"QUEUED","timestamp":1506607698000}}'
ONE_API_MO = (
    b'{"integrationId":"fa8090815f05d5ed015f0b5b56080cd2","integrationName":"My integration",'
    b'"event":{"moText":[{"channel":"sms",\n  "messageId":"3a89680503414383af44dcd0e4e5f184",'
    b'"relatedMessageId":"d33eef0838a121f71069a4cc8d55c19e","relatedClientMessageId":null,\n'
    b'  "from":"2799900001","to":"2799900002","timestamp":1506607698000,"content":"Text",'
    b'"charset":"UTF-8","sms":{"network":"\xe2\x80\xa6"}}]}}'
)
ONE_API_STATUS_CALLBACK = (
    b'{"integrationId":"fa8090815f05d5ed015f0b5b56080cd2","integrationName":"My integration",'
    b'"event":{"messageStatusUpdate":[{"channel":"sms",'
    b'"messageId":"02ca87d5a95446e68b0ac36a0c2057f1","clientMessageId":"r42",\n'
    b'  "timestamp":1506607698000,"statusCode":5,"status":"DEVICE_ACK"}]}}'
)
BALANCE = b'{"balance":1267.92865,"currency":"ZAR"}'
