extension MessageTranslations {
    /// Turkish, addressing the customer as "siz" (same choice as the page's translation). No
    /// value takes a suffix of its own: an order number is followed by "numaralı", the shop's name
    /// by "mağazası"/"tarafından", an amount by "tutarında", the deadline by "tarihine kadar", and
    /// a topic by "hakkında(ki)", so topics are plain nominative noun phrases.
    static let turkish: [MessageText: String] = [
        .subjectOrderConfirmed: "{number} numaralı siparişiniz onaylandı",
        .introOrderConfirmed: "{shop} mağazasından verdiğiniz sipariş için teşekkür ederiz. Siparişiniz yola çıktığında size haber vereceğiz.",
        .subjectShipped: "{number} numaralı siparişiniz yolda",
        .introShipped: "Siparişiniz {shop} tarafından kargoya verildi ve size doğru yolda.",
        .subjectOutForDelivery: "{number} numaralı siparişiniz bugün geliyor",
        .introOutForDelivery: "Paketiniz dağıtıma çıktı ve bugün size ulaşması bekleniyor.",
        .subjectDelivered: "{number} numaralı siparişiniz teslim edildi",
        .introDelivered: "Siparişiniz teslim edildi. Bir sorun varsa sipariş sayfanızdan bize bildirin.",
        .subjectReviewRequested: "{number} numaralı siparişiniz nasıldı?",
        .introReviewRequested: "Satın aldıklarınız hakkındaki düşüncelerinizi diğer müşterilerle paylaşın. Bir sorun varsa önce bizden yardım isteyin: hemen çözelim.",
        .subjectRunningLate: "{number} numaralı siparişiniz gecikiyor",
        .introRunningLate: "Paketiniz söz verdiğimizden daha uzun sürüyor. Beklettiğimiz için özür dileriz.",
        .subjectDeliveryFailed: "{number} numaralı siparişiniz teslim edilemedi",
        .introDeliveryFailed: "Kargo firması paketinizi teslim edemedi. Ne olacağını {deadline} tarihine kadar seçin.",
        .subjectReturnApproved: "{number} numaralı siparişinizin iadesi onaylandı",
        .introReturnApproved: "İadeniz onaylandı. Ürünleri nasıl geri göndereceğinizi sipariş sayfanızda görebilirsiniz.",
        .subjectReturnReceived: "{number} numaralı siparişinizin iadesini teslim aldık",
        .introReturnReceived: "Geri gönderdiğiniz ürünler bize ulaştı. İadeniz sonuçlandığında size haber vereceğiz.",
        .subjectReturnSettled: "{number} numaralı siparişinizin iadesi sonuçlandı",
        .introReturnSettled: "İadeniz sonuçlandı: {amount} size geri ödeniyor.",
        .subjectStoreCreditIssued: "{shop} mağazasında kullanabileceğiniz {amount} tutarında krediniz var",
        .introStoreCreditIssued: "İadeniz, {shop} mağazasında kullanabileceğiniz {amount} tutarında mağaza kredisiyle sonuçlandı.",

        .topicOrderConfirmed: "sipariş onayları",
        .topicShipped: "kargo güncellemeleri",
        .topicOutForDelivery: "dağıtıma çıkan paketler",
        .topicDelivered: "teslim edilen siparişler",
        .topicReviewRequested: "değerlendirme istekleri",
        .topicRunningLate: "gecikmeler",
        .topicDeliveryFailed: "teslim edilemeyen paketler",
        .topicReturnApproved: "onaylanan iadeler",
        .topicReturnReceived: "teslim alınan iadeler",
        .topicReturnSettled: "sonuçlanan iadeler",
        .topicStoreCreditIssued: "mağaza kredisi",

        .greetingNamed: "Merhaba {name},",
        .greeting: "Merhaba,",
        .actionTrack: "Siparişinizi takip edin",
        .actionChoose: "Ne olacağını seçin",
        .actionReview: "Değerlendirme yazın",
        .actionReturn: "İadenizi görüntüleyin",
        .footerReason: "Bu e-postayı {shop} mağazasından sipariş verdiğiniz için alıyorsunuz.",
        .unsubscribeLink: "{topic} hakkındaki e-postaları durdurun",

        .unsubscribeTitle: "Abonelikten çık",
        .unsubscribeQuestion: "{shop} mağazasından {topic} hakkında e-posta almayı bırakmak istiyor musunuz?",
        .unsubscribeButton: "Abonelikten çık",
        .unsubscribedNotice: "Tamam: {shop} mağazası size artık {topic} hakkında e-posta göndermeyecek.",
        .unsubscribeUnknown: "Bu abonelikten çıkma bağlantısı geçerli değil.",
    ]
}
