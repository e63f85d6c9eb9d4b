"""The back-office: pages for partner organisations, the prefectures and the operators."""
