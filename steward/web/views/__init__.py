"""The pages of Store Steward. Each view authorizes through the access rule, validates its
input with a form, calls one service, and renders."""
