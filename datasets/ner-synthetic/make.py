#!/usr/bin/env python3
"""Writes a synthetic named-entity corpus in CoNLL layout (word TAB BIO-tag, blank line between sentences).

Deterministic (random.seed(19)); rerun from this folder to rebuild train.conll and test.conll. Sentences come from
templates with slots for people (PER), places (LOC) and organisations (ORG), filled from name lists; a third of the
names of each kind appear only in the test file, so a tagger must recognise unseen names from their shape and context.
Ambiguous words (a person called "Georgia" or "Jordan", a company called "Apple", a place called "Washington") carry
different tags in different sentences. Made for this project; public domain (CC0).
"""
import random

random.seed(19)
FIRST = ["John", "Mary", "Ahmed", "Li", "Olga", "Pedro", "Fatima", "Kenji", "Grace", "Samuel", "Ingrid", "Tomas",
         "Aisha", "Victor", "Elena", "Marcus", "Priya", "Jordan", "Georgia", "Hugo", "Nadia", "Oscar", "Leila", "Ivan"]
LAST = ["Smith", "Garcia", "Chen", "Okafor", "Novak", "Schmidt", "Tanaka", "Rossi", "Kowalski", "Haddad", "Nguyen",
        "Brown", "Silva", "Petrov", "Dubois", "Jensen", "Washington", "Murphy", "Costa", "Lindqvist", "Mensah", "Ortiz"]
LOC = ["Paris", "Lagos", "New York", "Tokyo", "Lima", "Oslo", "Cairo", "San Francisco", "Georgia", "Jordan", "Washington",
       "Buenos Aires", "Nairobi", "Kyoto", "Hamburg", "Quebec", "Rio de Janeiro", "Melbourne", "Bergen", "Accra", "Seville"]
ORG = ["Apple", "Acme Corp", "the United Nations", "First National Bank", "Globex", "Red Cross", "Northwind Traders",
       "Initech", "the World Bank", "Umbrella Labs", "Stark Industries", "Hooli", "Blue Sky Airlines", "Vandelay Imports",
       "Oceanic Shipping", "Apex Mining", "Helios Energy", "Zenith Media"]
TEMPLATES = [
    "{PER} visited {LOC} last week .",
    "{PER} works for {ORG} in {LOC} .",
    "{ORG} hired {PER} as its new director .",
    "In {LOC} , {PER} met {PER} to discuss the deal .",
    "{PER} said that {ORG} will open an office in {LOC} .",
    "The mayor of {LOC} thanked {ORG} for the donation .",
    "{PER} and {PER} flew from {LOC} to {LOC} .",
    "Shares of {ORG} rose after {PER} spoke .",
    "{ORG} and {ORG} signed an agreement on Tuesday .",
    "According to {PER} , the weather in {LOC} was cold .",
    "She moved to {LOC} to join {ORG} .",
    "He bought an apple in {LOC} .",
    "Nobody from {ORG} answered the letter .",
    "{PER} grew up near {LOC} .",
]


def split(names):
    names = names[:]
    random.shuffle(names)
    k = len(names) // 3
    return names[k:], names[:k]


FIRST_TRAIN, FIRST_TEST = split(FIRST)
LAST_TRAIN, LAST_TEST = split(LAST)
LOC_TRAIN, LOC_TEST = split(LOC)
ORG_TRAIN, ORG_TEST = split(ORG)


def entity(kind, test):
    if kind == "PER":
        first = random.choice(FIRST_TEST if test and random.random() < 0.5 else FIRST_TRAIN)
        last = random.choice(LAST_TEST if test and random.random() < 0.5 else LAST_TRAIN)
        words = [first, last] if random.random() < 0.7 else ([last] if random.random() < 0.5 else ["Dr.", last])
        if words[0] == "Dr.":
            return [("Dr.", "O"), (last, "B-PER")]
    elif kind == "LOC":
        words = random.choice(LOC_TEST if test and random.random() < 0.5 else LOC_TRAIN).split()
    else:
        words = random.choice(ORG_TEST if test and random.random() < 0.5 else ORG_TRAIN).split()
        if words[0] == "the":
            return [("the", "O")] + [(w, ("B-" if i == 0 else "I-") + kind) for i, w in enumerate(words[1:])]
    return [(w, ("B-" if i == 0 else "I-") + kind) for i, w in enumerate(words)]


def sentence(test):
    out = []
    for token in random.choice(TEMPLATES).split():
        if token.startswith("{"):
            out += entity(token[1:-1], test)
        else:
            out.append((token, "O"))
    if out[0][1] == "O" and out[0][0] == "the":
        out[0] = ("The", "O")
    return out


for name, count, test in (("train.conll", 1500, False), ("test.conll", 500, True)):
    with open(name, "w", encoding="utf-8") as f:
        for _ in range(count):
            for w, t in sentence(test):
                f.write(f"{w}\t{t}\n")
            f.write("\n")
