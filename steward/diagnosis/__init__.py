"""Store diagnosis (店铺诊断): the shop's last 90 days read as a research-phase deliverable."""
