# icd11 messages
