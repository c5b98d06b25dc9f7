using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>
/// Raw text split as the Brown corpus splits it; each expected token list is spelled as in datasets/brown-sample
/// (ca01: "Atlanta's/np$ ... ``/`` no/at evidence/nn ''/''", "Jr./np", "didn't/dod*", ",/,", "(/(", "--/--").
/// </summary>
public class TokenizerTests
{
    [Theory]
    [InlineData("The jury praised the city.", "The|jury|praised|the|city|.")]
    [InlineData("Atlanta's recent primary election produced \"no evidence\" that any irregularities took place.",
        "Atlanta's|recent|primary|election|produced|``|no|evidence|''|that|any|irregularities|took|place|.")]
    [InlineData("The committee, which had over-all charge, said so.", "The|committee|,|which|had|over-all|charge|,|said|so|.")]
    [InlineData("He didn't know; it's Mr. Allen's (and Dr. Pye's) call.", "He|didn't|know|;|it's|Mr.|Allen's|(|and|Dr.|Pye's|)|call|.")]
    [InlineData("Ivan Allen Jr. won -- barely -- in the U.S. with 3,000 votes, 2.5 per cent!",
        "Ivan|Allen|Jr.|won|--|barely|--|in|the|U.S.|with|3,000|votes|,|2.5|per|cent|!")]
    [InlineData("“Why?” she asked...", "``|Why|?|''|she|asked|...")]
    [InlineData("J. B. Smith's dogs' bones", "J.|B.|Smith's|dogs'|bones")]
    public void Splits_raw_text_as_the_Brown_corpus_does(string text, string expected)
    {
        var tokens = EnglishTokenizer.Tokenize(text);
        Assert.True(tokens.SequenceEqual(expected.Split('|')), $"'{text}' gave [{string.Join(" ", tokens)}], Brown spells [{expected.Replace('|', ' ')}]");
    }

    [Fact]
    public void Blank_text_has_no_tokens() => Assert.Empty(EnglishTokenizer.Tokenize("  \t "));
}
