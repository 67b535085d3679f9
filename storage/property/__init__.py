"""Operation Identification: members' private registers of marked property."""
