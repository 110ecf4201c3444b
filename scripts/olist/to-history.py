#!/usr/bin/env python3
"""Converts the public Olist Brazilian E-Commerce dataset (Kaggle, "olistbr/brazilian-ecommerce",
CC BY-NC-SA 4.0) into the shipment-history CSV that `porchlight backtest --history` reads, and the
review CSV that `porchlight demo --reviews` reads.

Usage:
  scripts/olist/to-history.py OLIST_DIR OUT_DIR [--from 2016-10-01] [--to 2018-04-01] [--sample 1.0] [--seed 1]

OLIST_DIR holds the dataset's files as published: olist_orders_dataset.csv,
olist_customers_dataset.csv, olist_order_items_dataset.csv, olist_sellers_dataset.csv and
olist_order_reviews_dataset.csv. OUT_DIR gets history.csv (one delivered order per row, sorted by
placed_at; the columns are listed in docs/promises.md, "Backtest on real history") and reviews.csv.

Only delivered orders with a delivery time are kept; an order with items from several sellers
counts as shipped from the seller of its first item. Times are the dataset's local times in
America/Sao_Paulo, written without an offset as the history format expects.
"""
from __future__ import annotations

import argparse
import csv
import pathlib
import random

COLUMNS = ["order_id", "placed_at", "shipped_at", "delivered_at", "promised_by", "carrier", "service",
           "origin_country", "origin_region", "origin_postal_prefix",
           "destination_country", "destination_region", "destination_postal_prefix", "timezone"]


def rows(directory: pathlib.Path, name: str):
    with (directory / name).open(newline="", encoding="utf-8") as file:
        yield from csv.DictReader(file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("olist_dir", type=pathlib.Path)
    parser.add_argument("out_dir", type=pathlib.Path)
    parser.add_argument("--from", dest="start", default="0000-00-00", help="first purchase date kept (YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", default="9999-99-99", help="purchase dates before this are kept (YYYY-MM-DD)")
    parser.add_argument("--sample", type=float, default=1.0, help="fraction of the orders kept, at random")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    customers = {row["customer_id"]: row for row in rows(args.olist_dir, "olist_customers_dataset.csv")}
    sellers = {row["seller_id"]: row for row in rows(args.olist_dir, "olist_sellers_dataset.csv")}
    first_seller = {}
    for item in rows(args.olist_dir, "olist_order_items_dataset.csv"):
        if item["order_item_id"] == "1":
            first_seller[item["order_id"]] = item["seller_id"]

    chance = random.Random(args.seed)
    history = []
    for order in rows(args.olist_dir, "olist_orders_dataset.csv"):
        placed = order["order_purchase_timestamp"]
        if order["order_status"] != "delivered" or not order["order_delivered_customer_date"]:
            continue
        if not (args.start <= placed[:10] < args.end) or chance.random() >= args.sample:
            continue
        customer = customers.get(order["customer_id"])
        seller = sellers.get(first_seller.get(order["order_id"], ""))
        if customer is None or seller is None:
            continue
        history.append({
            "order_id": order["order_id"], "placed_at": placed,
            "shipped_at": order["order_delivered_carrier_date"], "delivered_at": order["order_delivered_customer_date"],
            "promised_by": order["order_estimated_delivery_date"][:10],
            "carrier": "olist-logistics", "service": "standard",
            "origin_country": "BR", "origin_region": seller["seller_state"],
            "origin_postal_prefix": seller["seller_zip_code_prefix"].zfill(5),
            "destination_country": "BR", "destination_region": customer["customer_state"],
            "destination_postal_prefix": customer["customer_zip_code_prefix"].zfill(5),
            "timezone": "America/Sao_Paulo",
        })
    history.sort(key=lambda row: row["placed_at"])
    kept = {row["order_id"] for row in history}

    args.out_dir.mkdir(parents=True, exist_ok=True)
    with (args.out_dir / "history.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(history)
    with (args.out_dir / "reviews.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["order_id", "score", "title", "message", "created_at"])
        for review in rows(args.olist_dir, "olist_order_reviews_dataset.csv"):
            if review["order_id"] in kept:
                writer.writerow([review["order_id"], review["review_score"], review["review_comment_title"],
                                 review["review_comment_message"], review["review_creation_date"]])
    print(f"{len(history)} delivered orders written to {args.out_dir / 'history.csv'}")


if __name__ == "__main__":
    main()
