"""Values: how printed text becomes the contract's values (contract §1)."""
