#include "core/mailbox.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace overseer {
namespace {

struct Seq {
  int writer = 0;
  int n = 0;
};

Envelope* Make(int n, uint64_t bytes = 10,
               Envelope::Kind kind = Envelope::Kind::kInfo, int writer = 0) {
  auto* e = new Envelope;
  e->kind = kind;
  e->bytes = bytes;
  e->payload = Message::Of(Seq{writer, n});
  return e;
}

int NumberOf(const Envelope* e) { return e->payload.As<Seq>()->n; }

// Takes the next envelope as the owner does, and frees it.
int TakeNumber(Mailbox& box) {
  Envelope* e = box.TakeFirst();
  if (e == nullptr) return -1;
  int n = NumberOf(e);
  box.Consumed(*e);
  delete e;
  return n;
}

TEST(MailboxTest, EnvelopesComeOutInTheOrderTheyWerePushed) {
  Mailbox box;
  EXPECT_FALSE(box.HasIncoming());
  for (int i = 0; i < 5; ++i) box.Push(Make(i));
  EXPECT_TRUE(box.HasIncoming());
  EXPECT_EQ(box.TakeFirst(), nullptr);  // nothing moved to the save queue yet
  box.Drain([](Envelope*) { return false; });
  EXPECT_FALSE(box.HasIncoming());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(TakeNumber(box), i);
  EXPECT_EQ(TakeNumber(box), -1);
}

TEST(MailboxTest, MaybeIncomingIsFalseOnlyWhenDrainedEmpty) {
  Mailbox box;
  EXPECT_FALSE(box.MaybeIncoming());
  for (int round = 1; round <= 3; ++round) {
    for (int i = 0; i < round; ++i) box.Push(Make(i));
    EXPECT_TRUE(box.MaybeIncoming());
    box.Drain([](Envelope*) { return false; });
    EXPECT_FALSE(box.MaybeIncoming()) << "after draining " << round;
    while (TakeNumber(box) >= 0) {
    }
  }
}

TEST(MailboxTest, ASelectiveTakeLeavesTheOthersQueuedInOrder) {
  Mailbox box;
  for (int i = 0; i < 6; ++i) box.Push(Make(i));
  box.Drain([](Envelope*) { return false; });
  Envelope* three = box.TakeFirstMatching(
      [](const Envelope& e) { return NumberOf(&e) == 3; });
  ASSERT_NE(three, nullptr);
  EXPECT_EQ(NumberOf(three), 3);
  box.Consumed(*three);
  delete three;
  Envelope* last = box.TakeFirstMatching(
      [](const Envelope& e) { return NumberOf(&e) == 5; });
  box.Consumed(*last);
  delete last;
  EXPECT_EQ(box.TakeFirstMatching([](const Envelope&) { return false; }), nullptr);
  box.Push(Make(6));  // the save queue's tail is still right
  box.Drain([](Envelope*) { return false; });
  std::vector<int> rest;
  for (int n = TakeNumber(box); n >= 0; n = TakeNumber(box)) rest.push_back(n);
  EXPECT_EQ(rest, (std::vector<int>{0, 1, 2, 4, 6}));
}

TEST(MailboxTest, DrainOffersEachEnvelopeToTheSignalFilterFirst) {
  Mailbox box;
  box.Push(Make(0));
  box.Push(Make(1, 10, Envelope::Kind::kExitSignal));
  box.Push(Make(2));
  std::vector<int> signals;
  box.Drain([&](Envelope* e) {
    if (e->kind != Envelope::Kind::kExitSignal) return false;
    signals.push_back(NumberOf(e));
    box.Consumed(*e);
    delete e;
    return true;
  });
  EXPECT_EQ(signals, std::vector<int>{1});
  EXPECT_EQ(TakeNumber(box), 0);
  EXPECT_EQ(TakeNumber(box), 2);
}

TEST(MailboxTest, LengthAndBytesCountWhatIsQueuedAndKeepTheirPeak) {
  Mailbox box;
  box.Push(Make(0, 100));
  box.Push(Make(1, 1000));
  EXPECT_EQ(box.length().value(), 2);
  EXPECT_EQ(box.bytes().value(), 1100);
  box.Drain([](Envelope*) { return false; });
  EXPECT_EQ(box.length().value(), 2);  // drained is still queued
  TakeNumber(box);
  TakeNumber(box);
  EXPECT_EQ(box.length().value(), 0);
  EXPECT_EQ(box.bytes().value(), 0);
  EXPECT_EQ(box.length().peak(), 2);
  EXPECT_EQ(box.bytes().TakePeak(), 1100);
  EXPECT_EQ(box.bytes().TakePeak(), 0);
}

TEST(MailboxTest, ForEachQueuedVisitsTheSaveQueueInOrderUntilToldToStop) {
  Mailbox box;
  for (int i = 0; i < 4; ++i) box.Push(Make(i));
  box.Drain([](Envelope*) { return false; });
  std::vector<int> seen;
  box.ForEachQueued([&](const Envelope& e) {
    seen.push_back(NumberOf(&e));
    return seen.size() < 3;
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
}

TEST(MailboxTest, QueuedEnvelopesAreFreedWithTheMailbox) {
  // Run under ASan: a leak here fails the test program.
  Mailbox box;
  box.Push(Make(0));
  box.Push(Make(1));
  box.Drain([](Envelope*) { return false; });
  box.Push(Make(2));
}

TEST(MailboxTest, ManyWritersLoseNothingAndEachWritersOrderIsKept) {
  Mailbox box;
  constexpr int kWriters = 4;
  constexpr int kEach = 20000;
  std::atomic<bool> go{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) {
        box.Push(Make(i, 1, Envelope::Kind::kInfo, w));
      }
    });
  }
  go.store(true);
  std::vector<int> next(kWriters, 0);
  int total = 0;
  bool ordered = true;
  while (total < kWriters * kEach) {
    box.Drain([](Envelope*) { return false; });
    while (Envelope* e = box.TakeFirst()) {
      const Seq* s = e->payload.As<Seq>();
      if (s->n != next[s->writer]) ordered = false;
      next[s->writer] = s->n + 1;
      box.Consumed(*e);
      delete e;
      ++total;
    }
  }
  for (std::thread& t : writers) t.join();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(total, kWriters * kEach);
  EXPECT_EQ(box.length().value(), 0);
  EXPECT_FALSE(box.HasIncoming());
}

}  // namespace
}  // namespace overseer
